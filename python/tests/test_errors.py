import unittest

from cnn_explorer_torch.errors import TrainerError, error_code, is_out_of_memory, memory_figures, out_of_memory

CUDA_2 = ('CUDA out of memory. Tried to allocate 20.00 GiB. GPU 0 has a total capacity of 139.72 GiB of which 1.50 GiB is free. '
          'Process 12 has 138.2 GiB memory in use. Of the allocated memory 137 GiB is allocated by PyTorch, and 1 GiB is reserved '
          'but unallocated. If reserved but unallocated memory is large try setting PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True')
CUDA_1 = ('CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 15.78 GiB total capacity; 13.20 GiB already allocated; '
          '1.19 GiB free; 13.24 GiB reserved in total by PyTorch) If reserved memory is >> allocated memory try setting max_split_size_mb')
CPU = ("[enforce fail at alloc_cpu.cpp:75] err == 0. DefaultCPUAllocator: can't allocate memory: you tried to allocate "
       '85899345920 bytes. Error code 12 (Cannot allocate memory)')


class ErrorsTest(unittest.TestCase):
    def test_out_of_memory_names_what_was_asked_and_what_was_free(self):
        self.assertEqual(memory_figures(RuntimeError(CUDA_2)), 'tried to allocate 20.00 GiB (1.50 GiB free of 139.72 GiB)')
        self.assertEqual(memory_figures(RuntimeError(CUDA_1)), 'tried to allocate 2.00 GiB (1.19 GiB free of 15.78 GiB)')
        self.assertEqual(memory_figures(RuntimeError(CPU)), 'tried to allocate 80.00 GiB')

    def test_out_of_memory_is_its_own_code_in_one_line(self):
        for text in (CUDA_1, CUDA_2, CPU):
            self.assertTrue(is_out_of_memory(RuntimeError(text)))
            self.assertEqual(error_code(RuntimeError(text)), 'out-of-memory')
        err = out_of_memory(RuntimeError(CUDA_1), 'on cuda: NVIDIA H200 at epoch 1, step 3 (a batch of 512 images)', 'lower batchSize (now 512)')
        self.assertEqual((err.code, err.message), ('out-of-memory', 'out of memory on cuda: NVIDIA H200 at epoch 1, step 3 (a batch of 512 images): '
                                                   'tried to allocate 2.00 GiB (1.19 GiB free of 15.78 GiB): lower batchSize (now 512)'))
        self.assertEqual(error_code(MemoryError()), 'out-of-memory')

    def test_other_errors_are_internal_unless_raised_with_a_code(self):
        self.assertEqual(error_code(ValueError('x')), 'internal')
        self.assertEqual(error_code(TrainerError('dataset-corrupt', 'bad')), 'dataset-corrupt')
